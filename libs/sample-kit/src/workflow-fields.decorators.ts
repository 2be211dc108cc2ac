import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** A workflow or id string: present, bounded. The three services validate it alike. */
export const IsBoundedName = (maxLength: number) => applyDecorators(IsString(), IsNotEmpty(), MaxLength(maxLength));

/** The steps of a workflow: 1 to 50 non-empty names of at most 100 characters. */
export const IsStepList = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(50),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(100, { each: true }),
  );
