import { IsBoundedName, IsStepList } from '@samples/kit';

/** Body of `POST /generate`. */
export class GenerateDto {
  @IsBoundedName(200)
  name!: string;

  @IsStepList()
  steps!: string[];
}
