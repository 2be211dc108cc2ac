import { IsBoundedName, IsStepList } from '@app/sample-kit';

/** Body of `POST /generate`. */
export class GenerateDto {
  @IsBoundedName(200)
  name!: string;

  @IsStepList()
  steps!: string[];
}
