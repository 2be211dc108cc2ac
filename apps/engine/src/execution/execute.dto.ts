import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of `POST /execute`. */
export class ExecuteDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  workflow_id!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  steps!: string[];
}
